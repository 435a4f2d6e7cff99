using System.Net;
using Postcall.Forwarding;

namespace Postcall.Tests.Forwarding;

public sealed class DestinationAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    // Documentation (TEST-NET) ranges, the 6to4 relay anycast, benchmarking, reserved.
    [InlineData("192.0.2.10", false)]
    [InlineData("198.51.100.7", false)]
    [InlineData("203.0.113.99", false)]
    [InlineData("192.88.99.1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("240.0.0.1", false)]
    [InlineData("192.0.0.8", false)]
    // NAT64's well-known prefix reaches the IPv4 address in its last 32 bits: judged by it.
    [InlineData("64:ff9b::7f00:1", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("64:ff9b:1::808:808", false)]
    // IPv4-compatible and IPv4-translated forms are deprecated: never global.
    [InlineData("::127.0.0.1", false)]
    [InlineData("::8.8.8.8", false)]
    [InlineData("::ffff:0:127.0.0.1", false)]
    [InlineData("::ffff:0:8.8.8.8", false)]
    // 6to4 carries an IPv4 address in bits 16-47: judged by it.
    [InlineData("2002:7f00:1::1", false)]
    [InlineData("2002:a9fe:a9fe::1", false)]
    [InlineData("2002:c0a8:101::1", false)]
    [InlineData("2002:808:808::1", true)]
    // Teredo and the rest of the IETF protocol assignments, documentation, site-local, discard, multicast.
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)]
    [InlineData("2001:2::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("3fff::1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("100::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("2a00:1450:4001::200e", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    public void Only_public_addresses_pass(string address, bool isPublic) =>
        Assert.Equal(isPublic, DestinationAddresses.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void Read_keys_see_a_url_without_user_info_or_query_string()
    {
        Assert.Equal("https://(hidden)@crm.example.com/calls?(hidden)", DestinationView.ForReadKeys(new Uri("https://user:pw@crm.example.com/calls?token=abc")));
        Assert.Equal("https://crm.example.com:8443/calls", DestinationView.ForReadKeys(new Uri("https://crm.example.com:8443/calls")));
        Assert.Equal("https://crm.example.com/calls", DestinationView.ForReadKeys(new Uri("https://crm.example.com/calls?")));
    }
}

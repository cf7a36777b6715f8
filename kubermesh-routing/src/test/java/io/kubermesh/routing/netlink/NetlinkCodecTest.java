package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.Captures.ORDER;
import static io.kubermesh.routing.netlink.RtnetlinkCodes.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Golden vectors: captures of iproute2 talking to this kernel (see {@link Captures}), field by field. */
class NetlinkCodecTest {
    private static final int CREATE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE;

    private static List<NetlinkMessage> decode(byte[] b) {
        return NetlinkCodec.decode(ByteBuffer.wrap(b), ORDER);
    }

    @Test
    void vethCreateRequestDecodesFieldByFieldAndReencodesByteForByte() {
        NetlinkMessage m = decode(Captures.VETH_ADD).get(0);
        assertThat(m.type()).isEqualTo(RTM_NEWLINK);
        assertThat(m.flags()).isEqualTo(CREATE);
        assertThat(m.sequence()).isEqualTo(1795680083);
        LinkMessage l = (LinkMessage) m.payload();
        assertThat(l.index()).isZero();
        assertThat(l.name()).contains("kmrn0a");
        LinkInfo info = l.info().orElseThrow();
        assertThat(info.kind()).isEqualTo("veth");
        assertThat(info.peer().orElseThrow().name()).contains("kmrn0b");
        assertThat(info.peer().orElseThrow().index()).isZero();
        assertThat(info.other()).isEmpty();
        assertThat(l.other()).isEmpty();

        LinkMessage built = LinkMessage.ofIndex(0).withName("kmrn0a")
                .withInfo(new LinkInfo("veth", Optional.of(LinkMessage.ofIndex(0).withName("kmrn0b")), List.of()));
        assertThat(NetlinkCodec.encode(new NetlinkMessage(RTM_NEWLINK, CREATE, 1795680083, 0, built), ORDER))
                .isEqualTo(Captures.VETH_ADD);
    }

    @Test
    void ifbCreateRequestMatchesTheCapture() {
        LinkMessage built = LinkMessage.ofIndex(0).withName("kmrnst").withInfo(LinkInfo.of("ifb"));
        assertThat(NetlinkCodec.encode(new NetlinkMessage(RTM_NEWLINK, CREATE, 1795680083, 0, built), ORDER))
                .isEqualTo(Captures.IFB_ADD);
        LinkMessage decoded = (LinkMessage) decode(Captures.IFB_ADD).get(0).payload();
        assertThat(decoded.info().orElseThrow().kind()).isEqualTo("ifb");
        assertThat(decoded.info().orElseThrow().peer()).isEmpty();
    }

    @Test
    void addressAddWithLifetimesAndFlagsMatchesTheCapture() {
        AddressMessage a = (AddressMessage) decode(Captures.ADDR_ADD).get(0).payload();
        Ipv6Address x = Ipv6Address.parse("2001:db8::20");
        assertThat(a.family()).isEqualTo(AF_INET6);
        assertThat(a.prefixLength()).isEqualTo(126);
        assertThat(a.flags()).isZero();
        assertThat(a.scope()).isZero();
        assertThat(a.index()).isEqualTo(3);
        assertThat(a.local()).contains(x);
        assertThat(a.address()).contains(x);
        assertThat(a.extendedFlags()).hasValue(IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
        AddressCacheInfo c = a.cacheInfo().orElseThrow();
        assertThat(c.preferred()).isZero();
        assertThat(c.valid()).isEqualTo(INFINITY_LIFE_TIME);

        AddressMessage built = new AddressMessage(AF_INET6, 126, 0, 0, 3, Optional.of(x), Optional.of(x),
                OptionalInt.of(IFA_F_NODAD | IFA_F_NOPREFIXROUTE),
                Optional.of(AddressCacheInfo.lifetimes(0, INFINITY_LIFE_TIME)), List.of());
        assertThat(NetlinkCodec.encode(new NetlinkMessage(RTM_NEWADDR, CREATE, 1795680083, 0, built), ORDER))
                .isEqualTo(Captures.ADDR_ADD);
    }

    @Test
    void addressDumpDecodesEveryMessageAndTheDone() {
        List<NetlinkMessage> ms = decode(Captures.ADDR_DUMP);
        assertThat(ms).extracting(NetlinkMessage::type).containsExactly(RTM_NEWADDR, RTM_NEWADDR, NLMSG_DONE);
        assertThat(ms).allSatisfy(m -> assertThat(m.flags()).isEqualTo(NLM_F_MULTI));
        assertThat(ms).allSatisfy(m -> assertThat(m.portId()).isEqualTo(6949));

        AddressMessage lo = (AddressMessage) ms.get(0).payload();
        assertThat(lo.prefixLength()).isEqualTo(128);
        assertThat(lo.flags()).isEqualTo(IFA_F_PERMANENT);
        assertThat(lo.scope()).isEqualTo(RT_SCOPE_HOST);
        assertThat(lo.index()).isEqualTo(1);
        assertThat(lo.address()).contains(Ipv6Address.parse("::1"));
        assertThat(lo.local()).isEmpty();
        assertThat(lo.cacheInfo().orElseThrow().preferred()).isEqualTo(INFINITY_LIFE_TIME);
        assertThat(lo.cacheInfo().orElseThrow().created()).isEqualTo(0x1c6dbL);
        assertThat(lo.effectiveFlags()).isEqualTo(IFA_F_PERMANENT);
        // IFA_PROTO (11) is not modelled: it stays raw, byte for byte.
        assertThat(lo.other()).containsExactly(new Attribute(11, new byte[] {1}));

        AddressMessage timed = (AddressMessage) ms.get(1).payload();
        assertThat(timed.address()).contains(Ipv6Address.parse("2001:db8::22"));
        assertThat(timed.index()).isEqualTo(2);
        assertThat(timed.cacheInfo().orElseThrow().preferred()).isEqualTo(1800);
        assertThat(timed.cacheInfo().orElseThrow().valid()).isEqualTo(3600);
        assertThat(timed.effectiveFlags()).isEqualTo(IFA_F_NODAD);

        assertThat(ms.get(2).payload()).isEqualTo(new NetlinkDone(0));
    }

    @Test
    void multipathRouteDecodesBothNextHopsAndReencodesByteForByte() {
        NetlinkMessage m = decode(Captures.MULTIPATH_ROUTE).get(0);
        RouteMessage r = (RouteMessage) m.payload();
        assertThat(r.family()).isEqualTo(AF_INET6);
        assertThat(r.destinationLength()).isEqualTo(64);
        assertThat(r.table()).isEqualTo(RT_TABLE_MAIN);
        assertThat(r.protocol()).isEqualTo(RTPROT_BOOT);
        assertThat(r.scope()).isEqualTo(RT_SCOPE_UNIVERSE);
        assertThat(r.routeType()).isEqualTo(RTN_UNICAST);
        assertThat(r.tableId()).hasValue(RT_TABLE_MAIN);
        assertThat(r.destination()).contains(Ipv6Address.parse("2001:db8:1::"));
        assertThat(r.priority()).hasValue(1024);
        assertThat(r.gateway()).isEmpty();
        assertThat(r.outputInterface()).isEmpty();
        assertThat(r.multipath()).containsExactly(
                new MultipathHop(0, 0, 3, Optional.of(Ipv6Address.parse("fe80::1")), List.of()),
                new MultipathHop(0, 0, 2, Optional.of(Ipv6Address.parse("fe80::2")), List.of()));
        assertThat(r.other()).extracting(Attribute::type).containsExactly(12, 20);
        assertThat(NetlinkCodec.encode(m, ORDER)).isEqualTo(Captures.MULTIPATH_ROUTE);
    }

    @Test
    void linkAnswerDecodesNameStateMtuMacAndKind() {
        LinkMessage l = (LinkMessage) decode(Captures.LINK_NEW).get(0).payload();
        assertThat(l.deviceType()).isEqualTo(1);
        assertThat(l.index()).isEqualTo(3);
        assertThat(l.flags() & IFF_UP).isEqualTo(IFF_UP);
        assertThat(l.flags() & IFF_LOWER_UP).isEqualTo(IFF_LOWER_UP);
        assertThat(l.name()).contains("kmrn0a");
        assertThat(l.mtu()).hasValue(1500);
        assertThat(l.operState()).hasValue(6);
        assertThat(l.address()).contains(MacAddress.parse("4e:6c:44:6f:2b:b4"));
        assertThat(l.info().orElseThrow().kind()).isEqualTo("veth");
        // broadcast (6 bytes, IFLA_BROADCAST 2) and the others stay raw; the nested flag is kept.
        assertThat(l.other()).extracting(Attribute::type).contains(2, 0x803e);
    }

    @Test
    void uncappedErrorSkipsTheEchoedRequest() {
        NetlinkError e = (NetlinkError) decode(Captures.ERROR_EEXIST).get(0).payload();
        assertThat(e.error()).isEqualTo(-17);
        assertThat(e.isAck()).isFalse();
        assertThat(e.requestLength()).isEqualTo(52);
        assertThat(e.requestType()).isEqualTo(RTM_NEWLINK);
        assertThat(e.requestFlags()).isEqualTo(CREATE);
        assertThat(e.requestSequence()).isEqualTo(1795680324);
        assertThat(e.message()).isEmpty();
    }

    @Test
    void cappedAckDecodesAndReencodesByteForByte() {
        NetlinkMessage m = decode(Captures.ACK).get(0);
        NetlinkError e = (NetlinkError) m.payload();
        assertThat(e.isAck()).isTrue();
        assertThat(e.requestLength()).isEqualTo(32);
        assertThat(e.requestFlags()).isEqualTo(NLM_F_REQUEST | NLM_F_ACK);
        assertThat(NetlinkCodec.encode(m, ORDER)).isEqualTo(Captures.ACK);
    }

    @Test
    void extendedAckTextIsRead() {
        NetlinkError sent = new NetlinkError(-22, 32, RTM_NEWLINK, NLM_F_REQUEST, 7, 0, Optional.of("Unknown device type"));
        byte[] b = NetlinkCodec.encode(new NetlinkMessage(NLMSG_ERROR, 0, 7, 0, sent), ORDER);
        NetlinkMessage back = decode(b).get(0);
        assertThat(back.flags()).isEqualTo(NLM_F_CAPPED | NLM_F_ACK_TLVS);
        assertThat(back.payload()).isEqualTo(sent);
    }

    @Test
    void bigEndianHostsGetBigEndianHeaders() {
        byte[] b = NetlinkCodec.encode(new NetlinkMessage(NLMSG_DONE, NLM_F_MULTI, 1, 2, new NetlinkDone(0)),
                java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(b).startsWith(0, 0, 0, 20, 0, 3, 0, 2);
    }
}

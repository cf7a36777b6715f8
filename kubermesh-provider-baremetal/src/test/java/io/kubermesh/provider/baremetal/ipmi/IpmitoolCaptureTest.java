package io.kubermesh.provider.baremetal.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.PowerState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors: a real client (ipmitool 1.8.19, cipher suite 3) talking to a real BMC emulator
 * (OpenIPMI ipmi_sim 2.0.33). Our codec must produce ipmitool's bytes from the same inputs, derive
 * the same keys (RAKP 3, RAKP 4 and every AuthCode check), and read every message.
 */
class IpmitoolCaptureTest {
    private static final Capture CAPTURE = Capture.load("ipmitool-cs3.txt");
    private static final byte[] PASSWORD = "s3cret-pw".getBytes(StandardCharsets.US_ASCII);

    record Established(Rakp.Exchange exchange, SessionKeys keys, List<Capture.Datagram> rest) {
    }

    private static Established establish(List<Capture.Datagram> s) {
        Rakp.OpenSessionResponse open = Rakp.OpenSessionResponse.decode(SessionPacket.decode(s.get(3).bytes(), null).payload());
        byte[] rakp1 = SessionPacket.decode(s.get(4).bytes(), null).payload();
        Rakp.Rakp2 rakp2 = Rakp.Rakp2.decode(SessionPacket.decode(s.get(5).bytes(), null).payload());
        Rakp.Exchange x = new Rakp.Exchange(open.suite(), open.consoleSessionId(), open.bmcSessionId(),
                Arrays.copyOfRange(rakp1, 8, 24), rakp2.bmcRandom(), rakp2.bmcGuid(), Rakp.ROLE_ADMIN_BY_NAME, "admin");
        return new Established(x, SessionKeys.of(x.suite(), x.sik(PASSWORD)), s.subList(Math.min(8, s.size()), s.size()));
    }

    @Test
    void openSessionRequestIsIpmitoolsByteForByte() {
        List<Capture.Datagram> s = CAPTURE.session(0);
        byte[] payload = new Rakp.OpenSessionRequest(0, 0xa0a2a3a4, CipherSuite.SUITE_3).encode();
        assertThat(SessionPacket.setup(SessionPacket.OPEN_SESSION_REQUEST, payload).encode(null, null)).isEqualTo(s.get(2).bytes());
    }

    @Test
    void openSessionResponseFieldByField() {
        SessionPacket p = SessionPacket.decode(CAPTURE.session(0).get(3).bytes(), null);
        assertThat(p.payloadType()).isEqualTo(SessionPacket.OPEN_SESSION_RESPONSE);
        assertThat(p.sessionId()).isZero();
        Rakp.OpenSessionResponse r = Rakp.OpenSessionResponse.decode(p.payload());
        assertThat(r.status()).isZero();
        assertThat(r.privilege()).isZero(); // ipmitool asks for "the highest the algorithms allow" (0); ipmi_sim echoes it
        assertThat(r.consoleSessionId()).isEqualTo(0xa0a2a3a4);
        assertThat(r.bmcSessionId()).isEqualTo(0x0582);
        assertThat(r.suite()).isEqualTo(CipherSuite.SUITE_3);
    }

    @Test
    void rakp1IsIpmitoolsByteForByte() {
        List<Capture.Datagram> s = CAPTURE.session(0);
        byte[] rm = Arrays.copyOfRange(SessionPacket.decode(s.get(4).bytes(), null).payload(), 8, 24);
        byte[] ours = new Rakp.Rakp1(0, 0x0582, rm, Rakp.ROLE_ADMIN_BY_NAME, "admin").encode();
        assertThat(SessionPacket.setup(SessionPacket.RAKP_1, ours).encode(null, null)).isEqualTo(s.get(4).bytes());
    }

    @Test
    void keyExchangeMatchesBothPeers() {
        List<Capture.Datagram> s = CAPTURE.session(0);
        Established e = establish(s);
        Rakp.Rakp2 rakp2 = Rakp.Rakp2.decode(SessionPacket.decode(s.get(5).bytes(), null).payload());
        assertThat(rakp2.status()).isZero();
        assertThat(rakp2.bmcGuid()).isEqualTo(java.util.HexFormat.of().parseHex("a123456789abcdefa123456789abcdef"));
        assertThat(e.exchange().rakp2Verifies(PASSWORD, rakp2.authCode())).isTrue();
        assertThat(e.exchange().rakp2Verifies("wrong".getBytes(StandardCharsets.US_ASCII), rakp2.authCode())).isFalse();

        byte[] rakp3 = new Rakp.Rakp3(0, 0, 0x0582, e.exchange().rakp3Code(PASSWORD)).encode();
        assertThat(SessionPacket.setup(SessionPacket.RAKP_3, rakp3).encode(null, null)).isEqualTo(s.get(6).bytes());

        Rakp.Rakp4 rakp4 = Rakp.Rakp4.decode(SessionPacket.decode(s.get(7).bytes(), null).payload());
        assertThat(rakp4.status()).isZero();
        assertThat(e.exchange().rakp4Verifies(e.keys().sik(), rakp4.integrityCheck())).isTrue();
    }

    @Test
    void everySessionPacketVerifiesDecryptsAndReEncodesIdentically() {
        for (int n = 0; n < 3; n++) {
            Established e = establish(CAPTURE.session(n));
            for (Capture.Datagram d : e.rest()) {
                SessionPacket p = SessionPacket.decode(d.bytes(), e.keys());
                assertThat(p.encrypted()).isTrue();
                assertThat(p.authenticated()).isTrue();
                assertThat(p.sessionId()).isEqualTo(d.toBmc() ? e.exchange().bmcSessionId() : e.exchange().consoleSessionId());
                byte[] iv = Arrays.copyOfRange(d.bytes(), 16, 32);
                assertThat(p.encode(e.keys(), iv)).isEqualTo(d.bytes());
                IpmiMessage m = IpmiMessage.decode(p.payload());
                assertThat(m.isResponse()).isEqualTo(!d.toBmc());
                assertThat(IpmiMessage.decode(m.encode())).isEqualTo(m);
                assertThat(m.encode()).isEqualTo(p.payload());
            }
        }
    }

    private static List<IpmiMessage> messages(int session) {
        Established e = establish(CAPTURE.session(session));
        List<IpmiMessage> out = new ArrayList<>();
        for (Capture.Datagram d : e.rest()) {
            out.add(IpmiMessage.decode(SessionPacket.decode(d.bytes(), e.keys()).payload()));
        }
        return out;
    }

    @Test
    void chassisStatusSaysPowerIsOn() {
        List<IpmiMessage> m = messages(0);
        IpmiMessage request = m.stream().filter(x -> !x.isResponse() && x.netFn() == IpmiMessage.NETFN_CHASSIS
                && x.command() == Chassis.GET_CHASSIS_STATUS).findFirst().orElseThrow();
        IpmiMessage response = m.get(m.indexOf(request) + 1);
        assertThat(response.netFn()).isEqualTo(IpmiMessage.NETFN_CHASSIS + 1);
        assertThat(response.sequence()).isEqualTo(request.sequence());
        assertThat(response.completionCode()).isZero();
        assertThat(Chassis.powerState(response.data())).isEqualTo(PowerState.ON);
        IpmiMessage privilege = m.get(0);
        assertThat(privilege.command()).isEqualTo(Chassis.SET_SESSION_PRIVILEGE);
        assertThat(privilege.data()).containsExactly(Rakp.ADMINISTRATOR);
    }

    @Test
    void bootDevicePxeIsForcePxeInTheBootFlags() {
        IpmiMessage set = messages(1).stream().filter(x -> x.command() == Chassis.SET_SYSTEM_BOOT_OPTIONS && !x.isResponse()
                && x.data()[0] == Chassis.BOOT_FLAGS).findFirst().orElseThrow();
        // ipmitool asks for a legacy boot (0x80); ours adds the UEFI bit and names the same device.
        assertThat(set.data()[2]).isEqualTo(Chassis.bootOnce(BootDevice.NETWORK)[2]);
        assertThat(set.data()[1] & 0xC0).isEqualTo(Chassis.bootOnce(BootDevice.NETWORK)[1] & 0xC0);
    }

    @Test
    void powerOffIsChassisControlPowerDown() {
        IpmiMessage control = messages(2).stream().filter(x -> x.command() == Chassis.CHASSIS_CONTROL && !x.isResponse())
                .findFirst().orElseThrow();
        assertThat(control.netFn()).isEqualTo(IpmiMessage.NETFN_CHASSIS);
        assertThat(control.data()).containsExactly(Chassis.POWER_DOWN);
    }

    @Test
    void theSolKeepaliveIsIpmitoolsGetDeviceIdAndTheBmcAnswersIt() {
        List<IpmiMessage> m = messages(0);
        IpmiMessage theirs = m.stream().filter(x -> !x.isResponse() && x.netFn() == IpmiMessage.NETFN_APP
                && x.command() == Chassis.GET_DEVICE_ID).findFirst().orElseThrow();
        // rsAddr 20, netFn 06 LUN 0, checksum, rqAddr 81, rqSeq 3, command 01, checksum: no data.
        assertThat(theirs.encode()).isEqualTo(java.util.HexFormat.of().parseHex("2018c8810c0172"));
        assertThat(IpmiMessage.request(IpmiMessage.NETFN_APP, theirs.sequence(), Chassis.GET_DEVICE_ID).encode())
                .isEqualTo(theirs.encode());
        IpmiMessage answer = m.get(m.indexOf(theirs) + 1);
        assertThat(answer.command()).isEqualTo(Chassis.GET_DEVICE_ID);
        assertThat(answer.sequence()).isEqualTo(theirs.sequence());
        assertThat(answer.completionCode()).isZero();
    }

    @Test
    void theWrongPasswordIsCaughtAtRakp2() {
        List<Capture.Datagram> s = CAPTURE.session(3);
        Established e = establish(s);
        Rakp.Rakp2 rakp2 = Rakp.Rakp2.decode(SessionPacket.decode(s.get(5).bytes(), null).payload());
        assertThat(e.exchange().rakp2Verifies("wrong".getBytes(StandardCharsets.US_ASCII), rakp2.authCode())).isFalse();
        assertThat(e.exchange().rakp2Verifies(PASSWORD, rakp2.authCode())).isTrue();
    }
}

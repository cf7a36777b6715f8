package io.kubermesh.controlplane.kubernetes.crd;

import java.util.ArrayList;
import java.util.List;

/** What is known about a machine now: state, its block and addresses, neighbours by port, boot history. */
public class MachineStatus {
    private String state;
    private String block;
    private String host;
    private String pods;
    private String lastSeen;
    private List<Neighbour> neighbours = new ArrayList<>();
    private List<BootEvent> bootHistory = new ArrayList<>();

    /** A machine cabled to one of this machine's ports. */
    public static class Neighbour {
        private int port;
        private String machine;

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getMachine() {
            return machine;
        }

        public void setMachine(String machine) {
            this.machine = machine;
        }
    }

    /** One step of a boot: when, what (dhcp, ipxe, ignition, installed, booted...), through which neighbour port. */
    public static class BootEvent {
        private String time;
        private String event;
        private String via;

        public String getTime() {
            return time;
        }

        public void setTime(String time) {
            this.time = time;
        }

        public String getEvent() {
            return event;
        }

        public void setEvent(String event) {
            this.event = event;
        }

        public String getVia() {
            return via;
        }

        public void setVia(String via) {
            this.via = via;
        }
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public String getBlock() {
        return block;
    }

    public void setBlock(String block) {
        this.block = block;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public String getPods() {
        return pods;
    }

    public void setPods(String pods) {
        this.pods = pods;
    }

    public String getLastSeen() {
        return lastSeen;
    }

    public void setLastSeen(String lastSeen) {
        this.lastSeen = lastSeen;
    }

    public List<Neighbour> getNeighbours() {
        return neighbours;
    }

    public void setNeighbours(List<Neighbour> neighbours) {
        this.neighbours = neighbours;
    }

    public List<BootEvent> getBootHistory() {
        return bootHistory;
    }

    public void setBootHistory(List<BootEvent> bootHistory) {
        this.bootHistory = bootHistory;
    }
}

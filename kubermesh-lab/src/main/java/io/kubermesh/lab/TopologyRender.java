package io.kubermesh.lab;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.Machine;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** A topology as text, as Graphviz dot, and as a self-contained SVG drawing. */
public final class TopologyRender {
    private TopologyRender() {
    }

    public static String text(Topology t) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.machines().size()).append(" machines, ").append(t.cables().size()).append(" cables\n");
        for (Machine m : t.machines()) {
            sb.append(String.format(Locale.ROOT, "%-14s", m.name()));
            List<Cable> cables = t.cablesOf(m.name());
            if (cables.isEmpty()) {
                sb.append(" (no cables)");
            }
            for (Cable c : cables) {
                int mine = c.a().machine().equals(m.name()) ? c.a().port() : c.b().port();
                sb.append(" cluster").append(mine).append("->").append(c.other(m.name()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public static String dot(Topology t) {
        StringBuilder sb = new StringBuilder("graph kubermesh {\n  node [shape=box, style=rounded];\n");
        for (Machine m : t.machines()) {
            sb.append("  \"").append(m.name()).append("\";\n");
        }
        for (Cable c : t.cables()) {
            sb.append("  \"").append(c.a().machine()).append("\" -- \"").append(c.b().machine())
                    .append("\" [taillabel=\"").append(c.a().port()).append("\", headlabel=\"").append(c.b().port())
                    .append("\"];\n");
        }
        return sb.append("}\n").toString();
    }

    /**
     * Lays the mesh out by its hop distances: classical multidimensional scaling (the top two
     * eigenvectors of the double-centred squared distances, by power iteration) refined by stress
     * majorization. Deterministic, and a grid comes out as a grid.
     */
    public static String svg(Topology t) {
        int n = t.machines().size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(t.machines().get(i).name(), i);
        }
        double[][] d = hopDistances(t, index);
        double[][] xy = classicalScaling(d);
        double[] x = xy[0];
        double[] y = xy[1];
        int rounds = n > 300 ? 10 : 60;
        for (int r = 0; r < rounds; r++) {
            double[] nx = new double[n];
            double[] ny = new double[n];
            for (int i = 0; i < n; i++) {
                double sx = 0;
                double sy = 0;
                double w = 0;
                for (int j = 0; j < n; j++) {
                    if (i == j) {
                        continue;
                    }
                    double dij = d[i][j];
                    double wij = 1 / (dij * dij);
                    double dist = Math.max(1e-9, Math.hypot(x[i] - x[j], y[i] - y[j]));
                    sx += wij * (x[j] + dij * (x[i] - x[j]) / dist);
                    sy += wij * (y[j] + dij * (y[i] - y[j]) / dist);
                    w += wij;
                }
                nx[i] = w == 0 ? x[i] : sx / w;
                ny[i] = w == 0 ? y[i] : sy / w;
            }
            x = nx;
            y = ny;
        }
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            minX = Math.min(minX, x[i]);
            maxX = Math.max(maxX, x[i]);
            minY = Math.min(minY, y[i]);
            maxY = Math.max(maxY, y[i]);
        }
        // Hops become about 130 pixels; machines are boxes about 100 wide, so labels clear them.
        double scale = 130;
        double margin = 70;
        double width = Math.max(240, (maxX - minX) * scale + 2 * margin);
        double height = Math.max(120, (maxY - minY) * scale + 2 * margin);
        double[] px = new double[n];
        double[] py = new double[n];
        for (int i = 0; i < n; i++) {
            px[i] = margin + (x[i] - minX) * scale;
            py[i] = margin + (y[i] - minY) * scale;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
                        + " font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        sb.append("  <title>kubermesh topology: ").append(n).append(" machines, ").append(t.cables().size())
                .append(" cables</title>\n");
        sb.append("  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (Cable c : t.cables()) {
            int i = index.get(c.a().machine());
            int j = index.get(c.b().machine());
            sb.append(String.format(Locale.ROOT,
                    "  <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"2\"/>%n",
                    px[i], py[i], px[j], py[j]));
            portLabel(sb, px[i], py[i], px[j], py[j], c.a().port());
            portLabel(sb, px[j], py[j], px[i], py[i], c.b().port());
        }
        for (int i = 0; i < n; i++) {
            String name = escape(t.machines().get(i).name());
            double w = Math.max(60, 8 * name.length() + 16);
            boolean gateway = name.equals(Topology.GATEWAY);
            sb.append(String.format(Locale.ROOT,
                    "  <g><rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"26\" rx=\"6\" fill=\"%s\" stroke=\"#234\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text></g>%n",
                    px[i] - w / 2, py[i] - 13, w, gateway ? "#ffe9a8" : "#d8ecff", px[i], py[i] + 4, name));
        }
        return sb.append("</svg>\n").toString();
    }

    private static double[][] hopDistances(Topology t, Map<String, Integer> index) {
        int n = t.machines().size();
        List<List<Integer>> adj = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            adj.add(new java.util.ArrayList<>());
        }
        for (Cable c : t.cables()) {
            int a = index.get(c.a().machine());
            int b = index.get(c.b().machine());
            adj.get(a).add(b);
            adj.get(b).add(a);
        }
        double[][] d = new double[n][n];
        int max = 1;
        for (int s = 0; s < n; s++) {
            int[] dist = new int[n];
            java.util.Arrays.fill(dist, -1);
            dist[s] = 0;
            java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(s));
            while (!queue.isEmpty()) {
                int u = queue.poll();
                for (int v : adj.get(u)) {
                    if (dist[v] < 0) {
                        dist[v] = dist[u] + 1;
                        max = Math.max(max, dist[v]);
                        queue.add(v);
                    }
                }
            }
            for (int v = 0; v < n; v++) {
                d[s][v] = dist[v];
            }
        }
        // Machines in different pieces of the mesh sit a little further apart than any path.
        for (double[] row : d) {
            for (int v = 0; v < n; v++) {
                if (row[v] < 0) {
                    row[v] = max + 1;
                }
            }
        }
        return d;
    }

    private static double[][] classicalScaling(double[][] d) {
        int n = d.length;
        double[][] b = new double[n][n];
        double[] rowMean = new double[n];
        double all = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b[i][j] = d[i][j] * d[i][j];
                rowMean[i] += b[i][j] / n;
            }
            all += rowMean[i] / n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b[i][j] = -0.5 * (b[i][j] - rowMean[i] - rowMean[j] + all);
            }
        }
        double[][] out = new double[2][];
        SplittableRandom random = new SplittableRandom(7);
        for (int k = 0; k < 2; k++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextDouble() - 0.5;
            }
            double lambda = 0;
            for (int iter = 0; iter < 200; iter++) {
                if (k == 1) {
                    // Keep orthogonal to the first axis.
                    double dot = 0;
                    double norm = 0;
                    for (int i = 0; i < n; i++) {
                        dot += v[i] * out[0][i];
                        norm += out[0][i] * out[0][i];
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] -= norm == 0 ? 0 : dot / norm * out[0][i];
                    }
                }
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        w[i] += b[i][j] * v[j];
                    }
                }
                double len = 0;
                for (double e : w) {
                    len += e * e;
                }
                len = Math.sqrt(len);
                if (len < 1e-12) {
                    break;
                }
                lambda = len;
                for (int i = 0; i < n; i++) {
                    v[i] = w[i] / len;
                }
            }
            double scale = Math.sqrt(Math.max(lambda, 1e-9));
            out[k] = new double[n];
            for (int i = 0; i < n; i++) {
                // Tiny deterministic jitter so symmetric meshes do not stack machines on one point.
                out[k][i] = v[i] * scale + (random.nextDouble() - 0.5) * 1e-3;
            }
        }
        return out;
    }

    private static void portLabel(StringBuilder sb, double x1, double y1, double x2, double y2, int port) {
        double lx = x1 + (x2 - x1) * 0.3;
        double ly = y1 + (y2 - y1) * 0.3 - 3;
        sb.append(String.format(Locale.ROOT,
                "  <text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#a33\" text-anchor=\"middle\">%d</text>%n",
                lx, ly, port));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

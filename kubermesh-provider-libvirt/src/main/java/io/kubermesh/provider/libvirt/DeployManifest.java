package io.kubermesh.provider.libvirt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the deploy image's {@code manifest.json} (written by kubermesh image build beside
 * {@code usb.img}) says about the cluster file on the image: {@code "cluster": {"sha256": ...}}.
 */
final class DeployManifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeployManifest() {
    }

    /** The SHA-256 of the cluster file the image was built with; fails saying what is wrong with the manifest. */
    static String clusterSha256(Path manifest) {
        JsonNode root;
        try {
            root = JSON.readTree(manifest.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new SubstrateException("no " + manifest + ": cannot tell which cluster file the image beside it carries;"
                    + " use the output directory of `kubermesh image build` as it is");
        } catch (IOException e) {
            throw new SubstrateException(manifest + " is not a kubermesh image manifest: " + e.getMessage(), e);
        }
        JsonNode sha = root == null ? null : root.path("cluster").get("sha256");
        if (sha == null || !sha.isTextual() || !sha.asText().matches("[0-9a-f]{64}")) {
            throw new SubstrateException(manifest + " names no cluster file (no cluster.sha256): the image was built by an "
                    + "older kubermesh; build it again with `kubermesh image build --config CLUSTER.yaml`");
        }
        return sha.asText();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

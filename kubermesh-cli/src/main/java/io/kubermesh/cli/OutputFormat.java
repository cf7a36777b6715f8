package io.kubermesh.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintWriter;

/** {@code --output}: a table for people, JSON or YAML for programs (field names stable, docs/cli.md). */
enum OutputFormat {
    table, json, yaml;

    /** A streaming generator for JSON (pretty) or YAML (no document marker) onto {@code out}. */
    JsonGenerator generator(PrintWriter out) throws IOException {
        if (this == table) {
            throw new IllegalStateException("a table is not written through a generator");
        }
        JsonFactory f = this == yaml
                ? YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build()
                : new JsonFactory();
        JsonGenerator g = f.createGenerator(out);
        if (this == json) {
            g.useDefaultPrettyPrinter();
        }
        return g;
    }
}

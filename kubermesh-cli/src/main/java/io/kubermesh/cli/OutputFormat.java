package io.kubermesh.cli;

/** {@code --output}: a table for people, JSON or YAML for programs (field names stable, docs/cli.md). */
enum OutputFormat {
    table, json, yaml
}

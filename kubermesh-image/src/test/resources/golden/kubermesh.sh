#!/bin/sh
# The kubermesh CLI on a node: the agent and the node setup run through it.
exec /opt/kubermesh/java/bin/java ${KUBERMESH_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC} -jar /opt/kubermesh/kubermesh-cli.jar "$@"

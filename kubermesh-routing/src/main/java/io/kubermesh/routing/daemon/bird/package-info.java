/** The BIRD 2 provider: configuration generator, control-socket codec and transport, and read-back parsers. */
package io.kubermesh.routing.daemon.bird;

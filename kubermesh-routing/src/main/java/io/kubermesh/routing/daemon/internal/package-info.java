/** Helpers the providers share (client commands, state directories); not for use outside this module. */
package io.kubermesh.routing.daemon.internal;

/** Native calls of the baremetal provider; never imported from another module. */
package io.kubermesh.provider.baremetal.internal;

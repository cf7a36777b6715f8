/** Process running and hashing for the image build and the node setup; not for other modules. */
package io.kubermesh.image.internal;

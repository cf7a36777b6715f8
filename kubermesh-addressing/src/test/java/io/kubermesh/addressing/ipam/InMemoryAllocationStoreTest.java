package io.kubermesh.addressing.ipam;

import io.kubermesh.spi.AllocationStore;
import io.kubermesh.testkit.AllocationStoreContract;

class InMemoryAllocationStoreTest extends AllocationStoreContract {
    @Override
    protected AllocationStore createStore() {
        return new InMemoryAllocationStore();
    }
}

package io.kubermesh.addressing.ipam;

import io.kubermesh.spi.AllocationStore;
import io.kubermesh.testkit.AllocationStoreContract;

class InMemoryAllocationStoreTest extends AllocationStoreContract {
    @Override
    protected AllocationStore createStore() {
        return new InMemoryAllocationStore();
    }

    /** It lives in this process only: the same store is the only handle on its data. */
    @Override
    protected AllocationStore reopen(AllocationStore store) {
        return store;
    }
}

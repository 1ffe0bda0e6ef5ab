package producer

import (
	"testing"
	"unsafe"
)

// promise converts the *kgo.Record kgo hands back into its pending record:
// that holds only while rec is the first field.
func TestPendingRecordIsFirst(t *testing.T) {
	var pd pending[string, []byte]
	if unsafe.Offsetof(pd.rec) != 0 {
		t.Fatal("pending.rec is not the first field")
	}
	if (*pending[string, []byte])(unsafe.Pointer(&pd.rec)) != &pd {
		t.Fatal("the record pointer does not convert back to its pending record")
	}
}

package serde

import "unsafe"

// HeaderLike is any record-header type with serde's [Header] shape, such as
// franz-go's kgo.RecordHeader.
type HeaderLike interface {
	~struct {
		Key   string
		Value []byte
	}
}

// HeadersFrom returns hs as serde headers without copying: the result shares
// hs's memory. It lets a plain franz-go loop hand a record's headers to a
// deserializer:
//
//	for _, r := range fetches.Records() {
//		v, err := d.Deserialize(ctx, r.Topic, r.Value, serde.HeadersFrom(r.Headers))
//		...
//	}
func HeadersFrom[H HeaderLike](hs []H) []Header {
	if len(hs) == 0 {
		return nil
	}
	return unsafe.Slice((*Header)(unsafe.Pointer(unsafe.SliceData(hs))), len(hs))
}

// HeadersAs returns serde headers as another header type of the same shape
// without copying (the result shares hs's memory), for handing a
// serializer's headers to a producer:
//
//	payload, hs, err := s.Serialize(ctx, "orders", order)
//	r := &kgo.Record{Topic: "orders", Value: payload, Headers: serde.HeadersAs[kgo.RecordHeader](hs)}
//
// A serializer's headers are shared across messages and must not be
// modified; the result has no spare capacity, so appending to it copies.
func HeadersAs[H HeaderLike](hs []Header) []H {
	if len(hs) == 0 {
		return nil
	}
	return unsafe.Slice((*H)(unsafe.Pointer(unsafe.SliceData(hs))), len(hs))
}

package protobuf

import "github.com/srkit-go/srkit/compat"

// Format returns the format's compatibility checker, so that a serializer
// given serde.StrictCompatibility can check a registered schema against
// its own.
func (c *writerCodec[T]) Format() compat.Format { return Format() }

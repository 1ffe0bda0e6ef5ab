
google/protobuf/timestamp.protogoogle.protobuf"+
	Timestamp
seconds (
nanos (B…
com.google.protobufBTimestampProtoPZ2google.golang.org/protobuf/types/known/timestamppbø¢GPBªGoogle.Protobuf.WellKnownTypesbproto3
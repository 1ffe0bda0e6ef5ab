package protobuf

// Test helpers of the internal test package, for the external one.
var RequireAllocBelow = requireAllocBelow

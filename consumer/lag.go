package consumer

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/twmb/franz-go/pkg/kadm"
)

// PartitionLag is how far a consumer group is behind on one partition.
type PartitionLag struct {
	Topic     string
	Partition int32
	// Committed is the group's committed offset: the next record it will
	// process; -1 when the group has committed nothing for the partition.
	Committed int64
	// End is the partition's end offset (the offset the next produced
	// record will get).
	End int64
	// Lag is End minus Committed (End minus the partition's start offset
	// when nothing is committed): the records not yet processed.
	Lag int64
	// Member is the client ID of the group member that consumes the
	// partition, empty when none does.
	Member string
}

// Lag is a group's lag per partition, sorted by topic and partition.
type Lag []PartitionLag

// Total is the sum of the partitions' lags.
func (l Lag) Total() int64 {
	var n int64
	for _, p := range l {
		n += p.Lag
	}
	return n
}

// Lag asks the cluster how far the consumer's group is behind on every
// partition of the topics it has committed offsets for or is assigned
// (two admin round trips, through kadm; call it on demand, for a metrics
// endpoint or a health check, not per record). It fails with [ErrNoGroup]
// for a consumer without a group.
func (c *Consumer[K, V]) Lag(ctx context.Context) (Lag, error) {
	if c.group == "" {
		return nil, ErrNoGroup
	}
	adm := kadm.NewClient(c.cl) // not closed: that would close c.cl
	lags, err := adm.Lag(ctx, c.group)
	if err != nil {
		return nil, fmt.Errorf("consumer: lag of group %q: %w", c.group, err)
	}
	gl, ok := lags[c.group]
	if !ok {
		return nil, fmt.Errorf("consumer: lag of group %q: no answer for the group", c.group)
	}
	if err := gl.Error(); err != nil {
		return nil, fmt.Errorf("consumer: lag of group %q: %w", c.group, err)
	}
	var out Lag
	for _, ps := range gl.Lag {
		for _, m := range ps {
			if m.Err != nil {
				return nil, fmt.Errorf("consumer: lag of group %q on %s/%d: %w", c.group, m.Topic, m.Partition, m.Err)
			}
			pl := PartitionLag{Topic: m.Topic, Partition: m.Partition, Committed: m.Commit.At, End: m.End.Offset, Lag: m.Lag}
			if m.Member != nil {
				pl.Member = m.Member.ClientID
			}
			out = append(out, pl)
		}
	}
	slices.SortFunc(out, func(a, b PartitionLag) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Partition, b.Partition))
	})
	return out, nil
}

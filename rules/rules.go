// Package rules runs Confluent's standard data-contract rules in srkit's
// serializers and deserializers: [Standard] is the option that gives them
// the executors of rule types CEL and CEL_FIELD (package rules/cel) and
// JSONATA (package rules/jsonata). The rule engine itself is in package
// serde (phases, modes, actions, overrides); field-level encryption
// (ENCRYPT, ENCRYPT_PAYLOAD) is in package encryption.
//
//	s, err := avro.NewSerializer[Order](client, serde.Value, rules.Standard())
//
// Executors compile each rule's expression once and are shared: give one
// Standard() (or one set of [Executors]) to every serializer and
// deserializer of a process to share their caches.
package rules

import (
	"github.com/srkit-go/srkit/rules/cel"
	"github.com/srkit-go/srkit/rules/jsonata"
	"github.com/srkit-go/srkit/serde"
)

// Executors returns new executors of the standard rule types: CEL,
// CEL_FIELD and JSONATA, with their default settings.
func Executors() []serde.RuleExecutor {
	return []serde.RuleExecutor{cel.NewExecutor(), cel.NewFieldExecutor(), jsonata.NewExecutor()}
}

// Standard returns the option that gives a serializer or deserializer the
// standard rule executors ([Executors]). The executors are created once,
// by this call: pass the same option to many serializers and
// deserializers to share them.
func Standard() serde.Option { return serde.WithRuleExecutors(Executors()...) }

package serde

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/srkit-go/srkit/registry"
)

// Properties is a full Confluent serializer/deserializer configuration map
// (the keys Java's serializers, confluent-kafka-go and confluent-kafka-python
// take) split between the registry client and serde, as [ParseProperties]
// splits it.
//
//	props, err := serde.ParseProperties(map[string]string{
//		"schema.registry.url":          "https://psrc-xxxx.confluent.cloud",
//		"basic.auth.credentials.source": "USER_INFO",
//		"basic.auth.user.info":          key + ":" + secret,
//		"auto.register.schemas":         "false",
//		"use.latest.version":            "true",
//		"value.subject.name.strategy":   "io.confluent.kafka.serializers.subject.RecordNameStrategy",
//	})
//	client, err := props.NewClient()
//	s, err := avro.NewSerializer[Order](client, serde.Value, props.SerializerOptions(serde.Value)...)
type Properties struct {
	// Client holds the registry client's keys, for
	// registry.NewFromProperties (or [Properties.NewClient]).
	Client map[string]string
	// RuleExecutorConfig holds, per executor name (rule.executors.<name>,
	// "_default_" for all, "_<TYPE>_" for a type), its param.* settings
	// with the prefix removed: the configuration Confluent's clients hand
	// their executors (a KMS secret, credentials). srkit's executors are
	// built in code; pass these to their constructors.
	RuleExecutorConfig map[string]map[string]string

	ser  []SerializerOption
	de   []DeserializerOption
	part map[Part]partProperties
	keys []string // the serde keys given, for errors
}

// partProperties are the settings that depend on the part (key or value).
type partProperties struct {
	strategy     SubjectNameStrategy
	placement    *IDPlacement
	payloadOnlyR bool
}

// Subject-name strategy and schema-ID class names, as Confluent's Java
// configuration spells them.
const (
	javaSubjectPkg  = "io.confluent.kafka.serializers.subject."
	javaSchemaIDPkg = "io.confluent.kafka.serializers.schema.id."
)

// ParseProperties splits a full Confluent configuration map: the keys the
// registry client takes (see registry.NewFromProperties) go to
// Properties.Client; serde's own are parsed:
//
//	auto.register.schemas               true (default) | false
//	normalize.schemas                   true | false (default)
//	use.latest.version                  true | false
//	use.latest.with.metadata            key=value[,key=value...]
//	latest.compatibility.strict         true (Java's default) | false: with use.latest.version, refuse a
//	                                    latest version that cannot read data written in the serializer's
//	                                    own schema
//	use.schema.id                       the registered schema ID to write with
//	use.schema.guid                     the registered schema GUID to write with
//	id.compatibility.strict             true (default) | false: the same check for use.schema.id/guid
//	key.subject.name.strategy,          TopicNameStrategy (default), RecordNameStrategy or
//	value.subject.name.strategy         TopicRecordNameStrategy (simple or io.confluent... class names)
//	key.schema.id.serializer,           PrefixSchemaIdSerializer (default: magic 0 + ID in the payload) or
//	value.schema.id.serializer          HeaderSchemaIdSerializer (GUID in the record header)
//	key.schema.id.deserializer,         DualSchemaIdDeserializer (default: header, else payload) or
//	value.schema.id.deserializer        PrefixSchemaIdDeserializer (payload only)
//	use.deprecated.format               true: Protobuf message indexes in the deprecated encoding
//	json.fail.invalid.schema            true (default) | false: validate JSON Schema values
//	rule.executors.<name>.disabled,     client-side rule overrides (<name>: a rule name, _<TYPE>_ or
//	rule.executors.<name>.onSuccess,    _default_), as RuleOverride
//	rule.executors.<name>.onFailure
//	rule.executors, rule.executors.<name>.class, rule.executors.<name>.param.*   accepted: executors are
//	                                    Go values (WithRuleExecutors); their params are in
//	                                    Properties.RuleExecutorConfig
//	rule.actions, rule.actions.<name>.class, rule.actions.<name>.param.*   accepted likewise
//
// Keys may carry the "schema.registry." prefix where Java's do. Any other
// key is an error that names every key nobody owns ([*PropertyError] for
// one bad value); Kafka client keys (bootstrap.servers, sasl.*) are not
// accepted: franz-go takes them in code.
func ParseProperties(props map[string]string) (*Properties, error) {
	p := &Properties{Client: map[string]string{}, part: map[Part]partProperties{}}
	var unknown []string
	sp := map[string]string{}
	for k, v := range props {
		switch {
		case registry.IsClientProperty(k):
			p.Client[k] = v
		case isSerdeProperty(k):
			sp[k] = strings.TrimSpace(v)
		default:
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("%w: %s", ErrUnknownProperty, strings.Join(unknown, ", "))
	}
	if err := p.parse(sp); err != nil {
		return nil, err
	}
	return p, nil
}

// ErrUnknownProperty: a configuration key neither the registry client nor
// serde owns.
var ErrUnknownProperty = errors.New("serde: unknown configuration keys")

// PropertyError is a serde configuration key with a value serde cannot use.
type PropertyError struct {
	Key    string
	Reason string
}

// Error implements error.
func (e *PropertyError) Error() string {
	return "serde: property " + strconv.Quote(e.Key) + ": " + e.Reason
}

var serdeKeys = []string{
	"auto.register.schemas", "normalize.schemas", "use.latest.version", "use.latest.with.metadata",
	"latest.compatibility.strict", "use.schema.id", "use.schema.guid", "id.compatibility.strict",
	"key.subject.name.strategy", "value.subject.name.strategy",
	"key.schema.id.serializer", "value.schema.id.serializer",
	"key.schema.id.deserializer", "value.schema.id.deserializer",
	"use.deprecated.format", "json.fail.invalid.schema",
	"rule.executors", "rule.actions",
}

func isSerdeProperty(k string) bool {
	return slices.Contains(serdeKeys, k) || strings.HasPrefix(k, "rule.executors.") || strings.HasPrefix(k, "rule.actions.")
}

func parseBool(k, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, &PropertyError{Key: k, Reason: "want true or false"}
}

func (p *Properties) parse(sp map[string]string) error {
	p.keys = slices.Sorted(maps.Keys(sp))
	flag := func(k string, def bool) (bool, error) {
		v, ok := sp[k]
		if !ok {
			return def, nil
		}
		return parseBool(k, v)
	}
	autoReg, err := flag("auto.register.schemas", true)
	if err != nil {
		return err
	}
	p.ser = append(p.ser, AutoRegister(autoReg))
	if norm, err := flag("normalize.schemas", false); err != nil {
		return err
	} else if norm {
		p.ser = append(p.ser, Normalize(true))
	}
	useLatest, err := flag("use.latest.version", false)
	if err != nil {
		return err
	}
	if useLatest {
		p.ser = append(p.ser, UseLatest())
		p.de = append(p.de, UseLatest())
	}
	if spec, ok := sp["use.latest.with.metadata"]; ok && spec != "" {
		md, err := parseMapSpec(spec)
		if err != nil {
			return &PropertyError{Key: "use.latest.with.metadata", Reason: err.Error()}
		}
		p.ser = append(p.ser, UseLatestWithMetadata(md))
		p.de = append(p.de, UseLatestWithMetadata(md))
	}
	latestStrict, err := flag("latest.compatibility.strict", true)
	if err != nil {
		return err
	}
	idStrict, err := flag("id.compatibility.strict", true)
	if err != nil {
		return err
	}
	fixed := false
	if v, ok := sp["use.schema.id"]; ok && v != "" && v != "-1" {
		id, err := strconv.Atoi(v)
		if err != nil || id <= 0 {
			return &PropertyError{Key: "use.schema.id", Reason: "want a positive schema ID"}
		}
		p.ser, fixed = append(p.ser, UseSchemaID(id)), true
	}
	if v, ok := sp["use.schema.guid"]; ok && v != "" {
		if _, err := ParseGUID(v); err != nil {
			return &PropertyError{Key: "use.schema.guid", Reason: "want a schema GUID"}
		}
		if fixed {
			return &PropertyError{Key: "use.schema.guid", Reason: "use.schema.id is set too"}
		}
		p.ser, fixed = append(p.ser, UseSchemaGUID(v)), true
	}
	switch {
	case fixed && idStrict, !fixed && (useLatest || sp["use.latest.with.metadata"] != "") && latestStrict:
		p.ser = append(p.ser, StrictCompatibility(true))
	}
	if dep, err := flag("use.deprecated.format", false); err != nil {
		return err
	} else if dep {
		p.ser = append(p.ser, serOpt(func(c *SerializerConfig) { c.DeprecatedIndexes = true }))
		p.de = append(p.de, deserOpt(func(c *DeserializerConfig) { c.DeprecatedIndexes = true }))
	}
	if validate, err := flag("json.fail.invalid.schema", true); err != nil {
		return err
	} else if !validate {
		p.ser = append(p.ser, Validate(false))
		p.de = append(p.de, Validate(false))
	}
	for _, part := range []Part{Key, Value} {
		pp, err := parsePart(sp, part)
		if err != nil {
			return err
		}
		p.part[part] = pp
	}
	return p.parseRules(sp)
}

// parsePart reads the key.* or value.* settings.
func parsePart(sp map[string]string, part Part) (partProperties, error) {
	var pp partProperties
	prefix := part.String() + "."
	if v, ok := sp[prefix+"subject.name.strategy"]; ok && v != "" {
		switch strings.TrimPrefix(v, javaSubjectPkg) {
		case "TopicNameStrategy":
			pp.strategy = TopicNameStrategy
		case "RecordNameStrategy":
			pp.strategy = RecordNameStrategy
		case "TopicRecordNameStrategy":
			pp.strategy = TopicRecordNameStrategy
		case "AssociatedNameStrategy":
			return pp, &PropertyError{Key: prefix + "subject.name.strategy", Reason: "AssociatedNameStrategy needs the client: use serde.WithSubjectNameStrategy(serde.AssociatedNameStrategy(client, ...))"}
		default:
			return pp, &PropertyError{Key: prefix + "subject.name.strategy", Reason: "unknown strategy " + strconv.Quote(v) + " (a custom one is a Go function: serde.WithSubjectNameStrategy)"}
		}
	}
	if v, ok := sp[prefix+"schema.id.serializer"]; ok && v != "" {
		var pl IDPlacement
		switch strings.TrimPrefix(v, javaSchemaIDPkg) {
		case "PrefixSchemaIdSerializer":
			pl = PayloadID
		case "HeaderSchemaIdSerializer":
			pl = HeaderGUID
		default:
			return pp, &PropertyError{Key: prefix + "schema.id.serializer", Reason: "want PrefixSchemaIdSerializer or HeaderSchemaIdSerializer"}
		}
		pp.placement = &pl
	}
	if v, ok := sp[prefix+"schema.id.deserializer"]; ok && v != "" {
		switch strings.TrimPrefix(v, javaSchemaIDPkg) {
		case "DualSchemaIdDeserializer":
		case "PrefixSchemaIdDeserializer":
			pp.payloadOnlyR = true
		default:
			return pp, &PropertyError{Key: prefix + "schema.id.deserializer", Reason: "want DualSchemaIdDeserializer or PrefixSchemaIdDeserializer"}
		}
	}
	return pp, nil
}

// parseRules reads the rule.executors.* and rule.actions.* keys.
func (p *Properties) parseRules(sp map[string]string) error {
	overrides := map[string]*RuleOverride{}
	for _, k := range p.keys {
		v := sp[k]
		if k == "rule.executors" || k == "rule.actions" {
			continue // names: the Go values are given in code
		}
		rest, isExec := strings.CutPrefix(k, "rule.executors.")
		if !isExec {
			var isAction bool
			if rest, isAction = strings.CutPrefix(k, "rule.actions."); !isAction {
				continue
			}
			name, setting, _ := strings.Cut(rest, ".")
			if name == "" || (setting != "class" && !strings.HasPrefix(setting, "param.")) {
				return &PropertyError{Key: k, Reason: "want rule.actions.<name>.class or .param.<key>"}
			}
			continue
		}
		name, setting, ok := strings.Cut(rest, ".")
		if !ok || name == "" {
			return &PropertyError{Key: k, Reason: "want rule.executors.<name>.<setting>"}
		}
		switch {
		case setting == "class":
		case strings.HasPrefix(setting, "param."):
			if p.RuleExecutorConfig == nil {
				p.RuleExecutorConfig = map[string]map[string]string{}
			}
			if p.RuleExecutorConfig[name] == nil {
				p.RuleExecutorConfig[name] = map[string]string{}
			}
			p.RuleExecutorConfig[name][strings.TrimPrefix(setting, "param.")] = v
		case setting == "disabled" || setting == "onSuccess" || setting == "onFailure":
			o := overrides[name]
			if o == nil {
				o = &RuleOverride{}
				switch {
				case name == "_default_":
				case len(name) > 2 && strings.HasPrefix(name, "_") && strings.HasSuffix(name, "_"):
					o.Type = name[1 : len(name)-1]
				default:
					o.Rule = name
				}
				overrides[name] = o
			}
			switch setting {
			case "disabled":
				b, err := parseBool(k, v)
				if err != nil {
					return err
				}
				o.Disabled = &b
			case "onSuccess":
				o.OnSuccess = &v
			case "onFailure":
				o.OnFailure = &v
			}
		default:
			return &PropertyError{Key: k, Reason: "unknown rule executor setting " + strconv.Quote(setting)}
		}
	}
	if len(overrides) > 0 {
		list := make([]RuleOverride, 0, len(overrides))
		for _, name := range slices.Sorted(maps.Keys(overrides)) {
			list = append(list, *overrides[name])
		}
		p.ser = append(p.ser, WithRuleOverrides(list...))
		p.de = append(p.de, WithRuleOverrides(list...))
	}
	return nil
}

// NewClient builds the registry client from Properties.Client; opts are
// applied after the properties.
func (p *Properties) NewClient(opts ...registry.Option) (*registry.Client, error) {
	return registry.NewFromProperties(p.Client, opts...)
}

// SerializerOptions returns the serializer options the properties set, for
// a serializer of part (the key.* or value.* settings apply).
func (p *Properties) SerializerOptions(part Part) []SerializerOption {
	out := slices.Clone(p.ser)
	pp := p.part[part]
	if pp.strategy != nil {
		out = append(out, WithSubjectNameStrategy(pp.strategy))
	}
	if pp.placement != nil {
		out = append(out, WithPlacement(*pp.placement))
	}
	return out
}

// DeserializerOptions returns the deserializer options the properties set,
// for a deserializer of part.
func (p *Properties) DeserializerOptions(part Part) []DeserializerOption {
	out := slices.Clone(p.de)
	pp := p.part[part]
	if pp.strategy != nil {
		out = append(out, WithSubjectNameStrategy(pp.strategy))
	}
	if pp.payloadOnlyR {
		out = append(out, IgnoreSchemaIDHeaders())
	}
	return out
}

// parseMapSpec parses Java's map property form "k1=v1,k2=v2", where a
// backslash quotes the next character (a ',' '=' or '\' in a key or
// value).
func parseMapSpec(spec string) (map[string]string, error) {
	out := map[string]string{}
	var key, cur strings.Builder
	inValue := false
	flush := func() error {
		k := strings.TrimSpace(key.String())
		if !inValue || k == "" {
			return errors.New("want key=value[,key=value...]")
		}
		out[k] = strings.TrimSpace(cur.String())
		key.Reset()
		cur.Reset()
		inValue = false
		return nil
	}
	for i := 0; i < len(spec); i++ {
		c := spec[i]
		switch {
		case c == '\\' && i+1 < len(spec):
			i++
			if inValue {
				cur.WriteByte(spec[i])
			} else {
				key.WriteByte(spec[i])
			}
		case c == '=' && !inValue:
			inValue = true
		case c == ',':
			if err := flush(); err != nil {
				return nil, err
			}
		case inValue:
			cur.WriteByte(c)
		default:
			key.WriteByte(c)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

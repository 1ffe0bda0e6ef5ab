package registry

import (
	"context"
	"net/http"
	"net/url"
)

// Association links a subject to a resource such as a Kafka topic, as newer
// registries record it (the associated subject-name strategy reads them).
type Association struct {
	Subject           string `json:"subject"`
	GUID              string `json:"guid,omitempty"`
	ResourceName      string `json:"resourceName"`
	ResourceNamespace string `json:"resourceNamespace"`
	ResourceID        string `json:"resourceId,omitempty"`
	ResourceType      string `json:"resourceType"`
	AssociationType   string `json:"associationType"`
	Lifecycle         string `json:"lifecycle,omitempty"`
	Frozen            bool   `json:"frozen,omitempty"`
}

// AssociationsByResourceName lists the associations of the resource name in
// namespace (GET /associations/resources/{namespace}/{name}), filtered by
// resourceType (e.g. "topic") and associationType ("key" or "value") when
// those are not empty. Namespace "-" matches any namespace (cluster).
func (c *Client) AssociationsByResourceName(ctx context.Context, namespace, name, resourceType, associationType string, ps ...Param) ([]Association, error) {
	p := collect(ps)
	q := p.query(url.Values{})
	if resourceType != "" {
		q.Set("resourceType", resourceType)
	}
	if associationType != "" {
		q.Add("associationType", associationType)
	}
	var out []Association
	err := c.do(ctx, http.MethodGet, "/associations/resources/"+url.PathEscape(namespace)+"/"+url.PathEscape(name), q, nil, &out)
	return out, err
}

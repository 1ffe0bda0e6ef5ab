package registry

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

func subjectPath(subject string) string { return "/subjects/" + escapeSubject(subject) }

// escapeSubject escapes a subject for a URL path segment.
func escapeSubject(subject string) string { return url.PathEscape(subject) }

// Register registers s under subject (POST /subjects/{subject}/versions) and
// returns its ID, and, when the server sends them, its GUID, version and
// schema. Registering a schema identical to an existing version returns that
// version. Honours [Normalize] and [Format].
func (c *Client) Register(ctx context.Context, subject string, s Schema, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	var out SubjectSchema
	err := c.do(ctx, http.MethodPost, c.contextPrefix(&p)+subjectPath(subject)+"/versions", p.query(nil), &s, &out)
	if err != nil {
		return SubjectSchema{}, err
	}
	if out.Schema.Schema == "" {
		out.Schema = s
	}
	if out.Subject == "" {
		out.Subject = subject
	}
	return out, nil
}

// LookupSchema finds s among subject's versions (POST /subjects/{subject})
// and returns its ID, version and GUID. It fails with [ErrSchemaNotFound] or
// [ErrSubjectNotFound] when the schema is not registered there. Honours
// [Normalize] and [Deleted].
func (c *Client) LookupSchema(ctx context.Context, subject string, s Schema, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	var out SubjectSchema
	err := c.do(ctx, http.MethodPost, c.contextPrefix(&p)+subjectPath(subject), p.query(nil), &s, &out)
	return out, err
}

// SchemaByID returns the schema with the global ID id (GET /schemas/ids/{id}).
// The result's ID is id; its GUID is set when the server sends it; Subject
// and Version are empty. Honours [SubjectHint] and [Format].
func (c *Client) SchemaByID(ctx context.Context, id int, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	var out SubjectSchema
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/ids/"+strconv.Itoa(id), p.query(nil), nil, &out)
	if err != nil {
		return SubjectSchema{}, err
	}
	out.ID = id
	return out, nil
}

// SchemaByGUID returns the schema with the given GUID (GET /schemas/guids/{guid}).
// The result's GUID is guid; its ID is set when the server sends it.
// Honours [Format].
func (c *Client) SchemaByGUID(ctx context.Context, guid string, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	var out SubjectSchema
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/guids/"+url.PathEscape(guid), p.query(nil), nil, &out)
	if err != nil {
		return SubjectSchema{}, err
	}
	out.GUID = guid
	return out, nil
}

// SubjectsByID lists the subjects that use schema id (GET /schemas/ids/{id}/subjects).
// Honours [SubjectHint] and [Deleted].
func (c *Client) SubjectsByID(ctx context.Context, id int, ps ...Param) ([]string, error) {
	p := collect(ps)
	var out []string
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/ids/"+strconv.Itoa(id)+"/subjects", p.query(nil), nil, &out)
	return out, err
}

// SubjectVersionsByID lists the subject versions that use schema id
// (GET /schemas/ids/{id}/versions). Honours [SubjectHint] and [Deleted].
func (c *Client) SubjectVersionsByID(ctx context.Context, id int, ps ...Param) ([]SubjectVersion, error) {
	p := collect(ps)
	var out []SubjectVersion
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/schemas/ids/"+strconv.Itoa(id)+"/versions", p.query(nil), nil, &out)
	return out, err
}

// SchemaTypes lists the schema types the registry supports (GET /schemas/types).
func (c *Client) SchemaTypes(ctx context.Context) ([]string, error) {
	var out []string
	err := c.do(ctx, http.MethodGet, "/schemas/types", nil, nil, &out)
	return out, err
}

// Subjects lists the registered subjects (GET /subjects). Honours
// [SubjectPrefix], [Deleted] and [DeletedOnly].
func (c *Client) Subjects(ctx context.Context, ps ...Param) ([]string, error) {
	p := collect(ps)
	var out []string
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+"/subjects", p.query(nil), nil, &out)
	return out, err
}

// Versions lists subject's version numbers (GET /subjects/{subject}/versions).
// Honours [Deleted] and [DeletedOnly].
func (c *Client) Versions(ctx context.Context, subject string, ps ...Param) ([]int, error) {
	p := collect(ps)
	var out []int
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(subject)+"/versions", p.query(nil), nil, &out)
	return out, err
}

// SchemaByVersion returns one version of subject; version [Latest] names the
// latest (GET /subjects/{subject}/versions/{version}). Honours [Deleted] and [Format].
func (c *Client) SchemaByVersion(ctx context.Context, subject string, version int, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	var out SubjectSchema
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(subject)+"/versions/"+versionString(version), p.query(nil), nil, &out)
	return out, err
}

// LatestSchema returns subject's latest version.
func (c *Client) LatestSchema(ctx context.Context, subject string, ps ...Param) (SubjectSchema, error) {
	return c.SchemaByVersion(ctx, subject, Latest, ps...)
}

// LatestWithMetadata returns the latest version of subject whose metadata
// properties include all of metadata (GET /subjects/{subject}/metadata?key=..&value=..).
// Honours [Deleted] and [Format].
func (c *Client) LatestWithMetadata(ctx context.Context, subject string, metadata map[string]string, ps ...Param) (SubjectSchema, error) {
	p := collect(ps)
	q := p.query(url.Values{})
	for k, v := range metadata {
		q.Add("key", k)
		q.Add("value", v)
	}
	var out SubjectSchema
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(subject)+"/metadata", q, nil, &out)
	return out, err
}

// ReferencedBy lists the IDs of schemas that reference subject's version
// (GET /subjects/{subject}/versions/{version}/referencedby).
func (c *Client) ReferencedBy(ctx context.Context, subject string, version int, ps ...Param) ([]int, error) {
	p := collect(ps)
	var out []int
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+subjectPath(subject)+"/versions/"+versionString(version)+"/referencedby", p.query(nil), nil, &out)
	return out, err
}

// DeleteSubject deletes subject and returns the deleted versions
// (DELETE /subjects/{subject}). A permanent (hard) delete needs a soft delete first.
func (c *Client) DeleteSubject(ctx context.Context, subject string, permanent bool, ps ...Param) ([]int, error) {
	p := collect(ps)
	q := p.query(nil)
	if permanent {
		q = url.Values{"permanent": {"true"}}
	}
	var out []int
	err := c.do(ctx, http.MethodDelete, c.contextPrefix(&p)+subjectPath(subject), q, nil, &out)
	return out, err
}

// DeleteVersion deletes one version of subject and returns its number
// (DELETE /subjects/{subject}/versions/{version}).
func (c *Client) DeleteVersion(ctx context.Context, subject string, version int, permanent bool, ps ...Param) (int, error) {
	p := collect(ps)
	var q url.Values
	if permanent {
		q = url.Values{"permanent": {"true"}}
	}
	var out int
	err := c.do(ctx, http.MethodDelete, c.contextPrefix(&p)+subjectPath(subject)+"/versions/"+versionString(version), q, nil, &out)
	return out, err
}

// AllVersions is the version argument of [Client.CheckCompatibility] that
// checks against every version the subject's compatibility level names.
const AllVersions = 0

// CheckCompatibility tests s against subject's version (or, with
// [AllVersions], against the versions its compatibility level requires).
// Honours [Normalize] and [Verbose].
func (c *Client) CheckCompatibility(ctx context.Context, subject string, version int, s Schema, ps ...Param) (CompatibilityResult, error) {
	p := collect(ps)
	path := c.contextPrefix(&p) + "/compatibility" + subjectPath(subject) + "/versions"
	if version != AllVersions {
		path += "/" + versionString(version)
	}
	var out CompatibilityResult
	err := c.do(ctx, http.MethodPost, path, p.query(nil), &s, &out)
	return out, err
}

// Contexts lists the registry's schema contexts (GET /contexts).
func (c *Client) Contexts(ctx context.Context) ([]string, error) {
	var out []string
	err := c.do(ctx, http.MethodGet, "/contexts", nil, nil, &out)
	return out, err
}

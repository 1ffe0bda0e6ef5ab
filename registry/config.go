package registry

import (
	"context"
	"net/http"
)

func configPath(subject string) string {
	if subject == "" {
		return "/config"
	}
	return "/config/" + escapeSubject(subject)
}

func modePath(subject string) string {
	if subject == "" {
		return "/mode"
	}
	return "/mode/" + escapeSubject(subject)
}

// GetConfig returns subject's config, or the global config when subject is
// empty (GET /config[/{subject}]). In a schema context ([DefaultContext],
// [InContext]) an empty subject names the context's config. Fails with
// [ErrSubjectLevelCompatNotConfig] when subject has no config of its own,
// unless [DefaultToGlobal] is given. Not cached.
func (c *Client) GetConfig(ctx context.Context, subject string, ps ...Param) (Config, error) {
	p := collect(ps)
	var out Config
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+configPath(subject), p.query(nil), nil, &out)
	return out, err
}

// SetConfig updates subject's config, or the global (or context's) config
// when subject is empty (PUT /config[/{subject}]), and returns what the
// registry answers. Only the fields set in cfg are sent; the level goes out
// as "compatibility", as the registry expects. It drops the cached register
// and lookup answers the change may alter. Honours [InContext].
func (c *Client) SetConfig(ctx context.Context, subject string, cfg Config, ps ...Param) (Config, error) {
	p := collect(ps)
	var out Config
	err := c.do(ctx, http.MethodPut, c.contextPrefix(&p)+configPath(subject), nil, configUpdate(cfg), &out)
	if err == nil {
		c.invalidateConfig(c.callContext(&p), subject)
	}
	return out, err
}

// DeleteConfig removes subject's config (or resets the global or
// context's one) and returns what was removed (DELETE /config[/{subject}]).
// It drops the cached register and lookup answers the change may alter.
// Honours [InContext].
func (c *Client) DeleteConfig(ctx context.Context, subject string, ps ...Param) (Config, error) {
	p := collect(ps)
	var out Config
	err := c.do(ctx, http.MethodDelete, c.contextPrefix(&p)+configPath(subject), nil, nil, &out)
	if err == nil {
		c.invalidateConfig(c.callContext(&p), subject)
	}
	return out, err
}

// GetMode returns subject's mode, or the global (or context's) mode when
// subject is empty (GET /mode[/{subject}]). Honours [DefaultToGlobal] and
// [InContext].
func (c *Client) GetMode(ctx context.Context, subject string, ps ...Param) (Mode, error) {
	p := collect(ps)
	var out struct {
		Mode Mode `json:"mode"`
	}
	err := c.do(ctx, http.MethodGet, c.contextPrefix(&p)+modePath(subject), p.query(nil), nil, &out)
	return out.Mode, err
}

// SetMode sets subject's mode, or the global (or context's) mode when
// subject is empty (PUT /mode[/{subject}]). Honours [Force] and [InContext].
func (c *Client) SetMode(ctx context.Context, subject string, mode Mode, ps ...Param) (Mode, error) {
	p := collect(ps)
	in := struct {
		Mode Mode `json:"mode"`
	}{mode}
	var out struct {
		Mode Mode `json:"mode"`
	}
	err := c.do(ctx, http.MethodPut, c.contextPrefix(&p)+modePath(subject), p.query(nil), &in, &out)
	return out.Mode, err
}

// DeleteMode removes subject's mode, or resets the global (or context's)
// mode (DELETE /mode[/{subject}]), and returns what was removed. Honours
// [InContext].
func (c *Client) DeleteMode(ctx context.Context, subject string, ps ...Param) (Mode, error) {
	p := collect(ps)
	var out struct {
		Mode Mode `json:"mode"`
	}
	err := c.do(ctx, http.MethodDelete, c.contextPrefix(&p)+modePath(subject), nil, nil, &out)
	return out.Mode, err
}

// configUpdateRequest is the body of PUT /config: the registry reads the
// level from "compatibility".
type configUpdateRequest struct {
	Compatibility CompatibilityLevel `json:"compatibility,omitempty"`
	Config
}

func configUpdate(cfg Config) *configUpdateRequest {
	r := &configUpdateRequest{Compatibility: cfg.CompatibilityLevel, Config: cfg}
	r.Config.CompatibilityLevel = ""
	return r
}

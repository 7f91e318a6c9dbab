package baseline

import (
	"context"
	"encoding/json"
	"path"
	"strings"
)

// containers reads each Docker container's hostconfig.json and config.v2.json and
// keeps only security settings (never environment variables, which may hold secrets).
func (p *prober) containers(ctx context.Context) {
	dir := "/var/lib/docker/containers"
	ff := p.f.File(dir)
	if ff == nil || ff.Type != "d" {
		return
	}
	r := &rootFS{fsys: p.r.fsys, readCap: 16 << 20}
	for _, id := range ff.Entries {
		c := Container{ID: id[:min(12, len(id))]}
		var hc struct {
			Privileged     bool
			NetworkMode    string
			PidMode        string
			IpcMode        string
			CapAdd         []string
			Binds          []string
			Memory         int64
			PidsLimit      *int64
			ReadonlyRootfs bool
			SecurityOpt    []string
		}
		var cfg struct {
			Name   string
			State  struct{ Running bool }
			Config struct {
				User  string
				Image string
			}
			MountPoints map[string]struct{ Source string }
		}
		b, _, err := r.readText(path.Join(dir, id, "hostconfig.json"))
		if err == nil {
			err = json.Unmarshal(b, &hc)
		}
		if err == nil {
			b, _, err = r.readText(path.Join(dir, id, "config.v2.json"))
			if err == nil {
				err = json.Unmarshal(b, &cfg)
			}
		}
		if err != nil {
			c.Err = errText(err)
			p.f.Containers = append(p.f.Containers, c)
			continue
		}
		c.Name = strings.TrimPrefix(cfg.Name, "/")
		c.Image = cfg.Config.Image
		c.Running = cfg.State.Running
		c.User = cfg.Config.User
		c.Privileged, c.NetworkMode, c.PidMode, c.IpcMode = hc.Privileged, hc.NetworkMode, hc.PidMode, hc.IpcMode
		c.CapAdd, c.Memory, c.ReadOnly, c.SecurityOpt = hc.CapAdd, hc.Memory, hc.ReadonlyRootfs, hc.SecurityOpt
		if hc.PidsLimit != nil {
			c.PidsLimit = *hc.PidsLimit
		}
		for _, b := range hc.Binds {
			src, _, _ := strings.Cut(b, ":")
			c.Mounts = append(c.Mounts, src)
		}
		for _, m := range cfg.MountPoints {
			if m.Source != "" {
				c.Mounts = append(c.Mounts, m.Source)
			}
		}
		p.f.Containers = append(p.f.Containers, c)
	}
}

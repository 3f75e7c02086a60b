package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
)

type server struct {
	store       *store
	maintenance *middleware.Maintenance
	retryAfter  time.Duration
	routes      []string // "METHOD pattern" from the contract, for the index
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// caller returns the principal and, for a user, the subject whose clouds
// it sees; apps see every cloud ("").
func caller(r *http.Request) (auth.Principal, string) {
	p, _ := auth.PrincipalFrom(r.Context())
	if p.Kind == auth.KindApp {
		return p, ""
	}
	return p, p.Subject
}

// cloudNotFound is the one answer for a cloud that does not exist and for
// one the caller may not see, so neither tells the other apart.
func cloudNotFound(w http.ResponseWriter, r *http.Request, id int64) {
	problem.Write(w, r, problem.NotFound("Cloud "+strconv.FormatInt(id, 10)+
		" does not exist or you don't have the right to see it."))
}

func pathID(r *http.Request, name string) int64 {
	id, _ := bind.PathParam[int64](r, name) // ValidatePath checked it
	return id
}

// visibleCloud returns the cloud of the path, or answers 404 and false.
func (s *server) visibleCloud(w http.ResponseWriter, r *http.Request) (Cloud, bool) {
	id := pathID(r, "cloudPk")
	_, user := caller(r)
	c, ok := s.store.get(id, user)
	if !ok {
		cloudNotFound(w, r, id)
	}
	return c, ok
}

// index is the body of GET /: what a newcomer looks for.
type index struct {
	Name       string   `json:"name"`
	Docs       string   `json:"docs"`       // the error docs
	RoutesPage string   `json:"routesPage"` // what each route needs and answers
	Routes     []string `json:"routes"`
}

// health is the body of GET /healthz.
type health struct {
	Status string `json:"status"`
}

func (s *server) index(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, index{Name: "chiguard demo API", Docs: "/problems", RoutesPage: "/routes", Routes: s.routes})
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, health{Status: "ok"})
}

func (s *server) user(w http.ResponseWriter, r *http.Request) {
	p, _ := caller(r)
	writeJSON(w, http.StatusOK, map[string]any{"sub": p.Subject, "scopes": p.Scopes()})
}

func (s *server) listClouds(w http.ResponseWriter, r *http.Request) {
	_, user := caller(r)
	writeJSON(w, http.StatusOK, s.store.list(user))
}

type newCloud struct {
	Name string `json:"name" validate:"required,min=1,max=256"`
}

func (s *server) createCloud(w http.ResponseWriter, r *http.Request) {
	body, _ := bind.BodyFrom[newCloud](r.Context()) // bind.Body decoded it
	p, _ := caller(r)
	c := s.store.create(body.Name, p.Subject)
	w.Header().Set("Location", cloudPath(c.ID))
	writeJSON(w, http.StatusCreated, c)
}

// cloudETag is the strong entity-tag of a cloud: GET sends it and DELETE
// checks If-Match and If-None-Match against it.
func cloudETag(c Cloud) string {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

func (s *server) getCloud(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.visibleCloud(w, r); ok {
		w.Header().Set("Etag", cloudETag(c)) // Conditional judges the request against it
		writeJSON(w, http.StatusOK, c)
	}
}

// deleteCloud deletes the cloud if the request's preconditions hold for
// it (RFC 9110 §13.1.1: a failed If-Match must not delete): Conditional
// leaves methods other than GET and HEAD to the handler.
func (s *server) deleteCloud(w http.ResponseWriter, r *http.Request) {
	c, ok := s.visibleCloud(w, r)
	if !ok {
		return
	}
	if !middleware.CheckPreconditions(w, r, cloudETag(c), time.Time{}) {
		return
	}
	// Clouds never change once created, so the cloud deleted is the one
	// checked, unless another request deleted it in between.
	_, user := caller(r)
	if !s.store.delete(c.ID, user) {
		cloudNotFound(w, r, c.ID)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) listProjects(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.visibleCloud(w, r); ok {
		writeJSON(w, http.StatusOK, s.store.projectsOf(c.ID))
	}
}

func (s *server) startExport(w http.ResponseWriter, r *http.Request) {
	c, ok := s.visibleCloud(w, r)
	if !ok {
		return
	}
	e := s.store.startExport(c.ID)
	w.Header().Set("Location", cloudPath(c.ID)+"/export/"+strconv.FormatInt(e.ID, 10))
	writeJSON(w, http.StatusAccepted, e)
}

func (s *server) getExport(w http.ResponseWriter, r *http.Request) {
	c, ok := s.visibleCloud(w, r)
	if !ok {
		return
	}
	exportID := pathID(r, "exportId")
	e, ok := s.store.export(c.ID, exportID)
	if !ok {
		problem.Write(w, r, problem.NotFound("Export "+strconv.FormatInt(exportID, 10)+" does not exist."))
		return
	}
	writeJSON(w, http.StatusOK, e)
}

type maintenanceSwitch struct {
	Enabled *bool `json:"enabled" validate:"required"`
}

func (s *server) setMaintenance(w http.ResponseWriter, r *http.Request) {
	body, _ := bind.BodyFrom[maintenanceSwitch](r.Context())
	if *body.Enabled {
		s.maintenance.Enable(s.retryAfter)
	} else {
		s.maintenance.Disable()
	}
	w.WriteHeader(http.StatusNoContent)
}

package api

import (
	"slices"
	"strconv"
	"sync"
)

// Cloud is the demo's main resource.
type Cloud struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Owner string `json:"owner"`
}

// Project belongs to a cloud.
type Project struct {
	ID      int64  `json:"id"`
	CloudID int64  `json:"cloud_id"`
	Name    string `json:"name"`
}

// Export is the status resource of an accepted export.
type Export struct {
	ID      int64  `json:"id"`
	CloudID int64  `json:"cloud_id"`
	Status  string `json:"status"`
}

// store holds the demo's data in memory.
type store struct {
	mu       sync.RWMutex
	clouds   map[int64]Cloud
	projects map[int64][]Project
	exports  map[int64]Export
	nextID   int64
}

func newStore() *store {
	return &store{
		clouds: map[int64]Cloud{
			1: {1, "Demo cloud", "alice"},
			2: {2, "Private cloud", "bob"},
		},
		projects: map[int64][]Project{
			1: {{1, 1, "Demo project"}},
			2: {{2, 2, "Private project"}},
		},
		exports: map[int64]Export{},
		nextID:  100,
	}
}

// visible reports whether the caller (a user subject, or "" for an app,
// which sees every cloud) may see c.
func visible(c Cloud, user string) bool { return user == "" || c.Owner == user }

func (s *store) list(user string) []Cloud {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Cloud{}
	for _, c := range s.clouds {
		if visible(c, user) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Cloud) int { return int(a.ID - b.ID) })
	return out
}

func (s *store) get(id int64, user string) (Cloud, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.clouds[id]
	return c, ok && visible(c, user)
}

func (s *store) create(name, owner string) Cloud {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	c := Cloud{s.nextID, name, owner}
	s.clouds[c.ID] = c
	return c
}

func (s *store) delete(id int64, user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clouds[id]
	if !ok || !visible(c, user) {
		return false
	}
	delete(s.clouds, id)
	delete(s.projects, id)
	return true
}

func (s *store) projectsOf(id int64) []Project {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Project{}, s.projects[id]...)
}

func (s *store) startExport(cloudID int64) Export {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	e := Export{s.nextID, cloudID, "done"} // the demo exports instantly
	s.exports[e.ID] = e
	return e
}

func (s *store) export(cloudID, id int64) (Export, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.exports[id]
	return e, ok && e.CloudID == cloudID
}

func cloudPath(id int64) string { return "/cloud/" + strconv.FormatInt(id, 10) }

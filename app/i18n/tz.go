package i18n

import (
	"strings"
	"sync"
	"time"
)

var locations sync.Map // name -> *time.Location

// LoadLocation is time.LoadLocation with a cache: the standard function reads
// and parses the zone data on every call, which a page listing time zones
// would do dozens of times. "Local" and "" are refused: a user's zone is
// always named.
func LoadLocation(name string) (*time.Location, error) {
	if v, ok := locations.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" || len(name) > 64 || strings.ContainsRune(name, 0) {
		return nil, errUnknownZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

type zoneError struct{}

func (zoneError) Error() string { return "unknown time zone" }

var errUnknownZone error = zoneError{}

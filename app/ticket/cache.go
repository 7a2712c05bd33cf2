package ticket

import (
	"context"
	"strconv"
	"sync"
)

// A request cache keeps what the service loaded for the callers of one
// request: a user's ticket permissions and a provider's data fields are asked
// for several times while one page is built (the guard of the data, the
// list, the form), and are read once. The web shell starts one per request
// with WithCache; without one every call reads afresh. A change of
// permissions, standard fields or data fields through the service drops it.
type requestCache struct {
	mu     sync.Mutex
	perms  map[int64]Perms     // by user id
	fields map[string][]*Field // by provider and view
}

type cacheKey struct{}

// WithCache returns ctx with a request cache of its own.
func WithCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, cacheKey{}, &requestCache{})
}

func cacheOf(ctx context.Context) *requestCache {
	c, _ := ctx.Value(cacheKey{}).(*requestCache)
	return c
}

// cached returns what the request cache of ctx holds for key in the map that
// pick chooses, or loads, keeps and returns it.
func cached[K comparable, V any](ctx context.Context, pick func(*requestCache) *map[K]V, key K, load func() (V, error)) (V, error) {
	c := cacheOf(ctx)
	if c == nil {
		return load()
	}
	c.mu.Lock()
	v, ok := (*pick(c))[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	m := pick(c)
	if *m == nil {
		*m = map[K]V{}
	}
	(*m)[key] = v
	c.mu.Unlock()
	return v, nil
}

// forget drops what the request cache of ctx holds, after a change.
func forget(ctx context.Context) {
	if c := cacheOf(ctx); c != nil {
		c.mu.Lock()
		c.perms, c.fields = nil, nil
		c.mu.Unlock()
	}
}

func fieldsKey(providerID int64, customerView bool) string {
	return strconv.FormatInt(providerID, 10) + "/" + strconv.FormatBool(customerView)
}

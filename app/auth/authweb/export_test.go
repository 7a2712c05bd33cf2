package authweb

// CookieDevice is the name of the cookie of a known browser, for the tests
// of package authweb_test.
const CookieDevice = cookieDevice

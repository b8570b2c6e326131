package console

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSessionHasAMaximumAge: a session kept busy (a request every few
// minutes, never idle for IdleTimeout) still ends MaxSessionAge after
// sign-in, so a stolen session cookie is not good until the node restarts.
func TestSessionHasAMaximumAge(t *testing.T) {
	c, clk := newTestConsole(t)
	tok, _ := c.MintSignIn()
	signedIn := open(t, c, "/console/signin?token="+tok)
	ck := sessionOf(t, signedIn)
	// The officer is told, on signing in, when the session will end.
	if !strings.Contains(signedIn.Body.String(), "12 hours after signing in") {
		t.Errorf("the signed-in page does not say that the session ends 12 hours after signing in")
	}
	step := IdleTimeout / 2
	for elapsed := step; elapsed <= MaxSessionAge; elapsed += step {
		clk.add(step)
		if rec := open(t, c, "/console/inbox", ck); rec.Code != http.StatusOK {
			t.Fatalf("a busy session %v after sign-in: status %d, want 200", elapsed, rec.Code)
		}
	}
	clk.add(step)
	if rec := open(t, c, "/console/inbox", ck); rec.Code != http.StatusUnauthorized {
		t.Fatalf("a busy session past MaxSessionAge: status %d, want 401", rec.Code)
	}
	// Ended for good.
	clk.add(-24 * time.Hour)
	if rec := open(t, c, "/console/inbox", ck); rec.Code != http.StatusUnauthorized {
		t.Fatalf("an ended session came back: status %d", rec.Code)
	}
}

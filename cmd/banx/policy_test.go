package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRewardPolicyFile checks that BANX_REWARD_POLICY replaces the contract's
// policy, and that a bad file is refused with the setting's name and the reason.
func TestRewardPolicyFile(t *testing.T) {
	dir := t.TempDir()
	t.Run("OKDefault", func(t *testing.T) {
		p, err := (&Config{}).rewardPolicy()
		if err != nil || p.Length != 168*time.Hour {
			t.Fatalf("default policy = %+v, %v", p, err)
		}
	})
	t.Run("OKFile", func(t *testing.T) {
		doc, err := os.ReadFile("../../contracts/reward-policy.json")
		if err != nil {
			t.Fatal(err)
		}
		short := strings.Replace(string(doc), `"epochLength": "168h"`, `"epochLength": "1m"`, 1)
		path := filepath.Join(dir, "policy.json")
		os.WriteFile(path, []byte(short), 0o600)
		p, err := (&Config{RewardPolicyFile: path}).rewardPolicy()
		if err != nil || p.Length != time.Minute {
			t.Fatalf("policy = %+v, %v", p, err)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		_, err := (&Config{RewardPolicyFile: filepath.Join(dir, "nope.json")}).rewardPolicy()
		if err == nil || !strings.Contains(err.Error(), "BANX_REWARD_POLICY") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		path := filepath.Join(dir, "bad.json")
		os.WriteFile(path, []byte(`{"version":"banx.reward-policy/1","epochLength":"-1h"}`), 0o600)
		_, err := (&Config{RewardPolicyFile: path}).rewardPolicy()
		if err == nil || !strings.Contains(err.Error(), "BANX_REWARD_POLICY") {
			t.Fatalf("err = %v", err)
		}
	})
}

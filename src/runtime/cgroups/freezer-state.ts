// A cgroup's freezer as runc reports it: thawed, frozen, or on its way (v1's FREEZING; v2's
// cgroup.freeze written but cgroup.events not yet "frozen 1").
export type FreezerState = 'thawed' | 'freezing' | 'frozen';

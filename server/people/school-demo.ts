// The demo's school, as server/demo/seed.ts hands it to each school domain's demo.ts (assessment, development plans,
// extra adaptations).

/** What the demo's school records are seeded with (server/demo/seed.ts hands it to each school domain's demo.ts). */
export interface SchoolDemo {
  municipalityId: number; schoolId: number; class2b: number; class4a: number;
  /** Oskar (2B, Emma's) and the 4A pupil with a student account. */
  oskar: number; pupil: number;
  /** Tove, a teacher of 2B (larare2b), and Bo, the school's head. */
  teacher: number; head: number;
  today: string; now: Date;
}

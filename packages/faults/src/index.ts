/** Helpers shared by the fault cases (`pnpm test:faults`) and the soak run (`pnpm soak`). */
export {};

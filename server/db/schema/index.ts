export * from "./users";
export * from "./teams";
export * from "./audit";
export * from "./models";
export * from "./keys";
export * from "./usage";
export * from "./playground";
export * from "./compute";

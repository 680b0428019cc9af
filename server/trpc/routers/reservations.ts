import { router } from "../init";

export const reservationsRouter = router({});

import { router } from "../init";

export const computeRouter = router({});

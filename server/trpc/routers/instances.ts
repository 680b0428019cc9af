import { router } from "../init";

export const instancesRouter = router({});

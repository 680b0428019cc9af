import { router } from "../init";

export const sshKeysRouter = router({});

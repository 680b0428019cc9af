export { createLocalEngine, DEFAULT_EMBEDDING_DIMENSIONS, type LocalEngineOptions } from "./engine";
export { countChatTokens, countTokens, messageText } from "./tokenizer";
export { cosineSimilarity } from "./embeddings";
export { getModel } from "./model";

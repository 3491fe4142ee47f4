// The entry script: tiny, so the reads the first screen needs start as soon as it arrives, while
// the app (preloaded alongside it, see vite.config.ts) downloads and evaluates.
import { startFirstPaintReads } from './api/first-paint';
import './styles.css';

startFirstPaintReads();
void import('./app/render');

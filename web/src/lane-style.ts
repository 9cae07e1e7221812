/** Imported by each page next to style.css: sets `--lane-<id>` from the lane registry. */
import { installLaneColors } from './lane-colors.ts';

installLaneColors();

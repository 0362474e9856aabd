import { useEffect, useState } from 'react';
import { settingsApi } from '../../api/settings.api';

/** Whether uploads are classified by themselves (default on until the settings say otherwise). */
export function useAutoClassify(): boolean {
  const [auto, setAuto] = useState(true);
  useEffect(() => {
    let live = true;
    settingsApi
      .get()
      .then((s) => live && setAuto(s.auto_classify))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return auto;
}

import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';

/** One part of a threat report, under its question ("What happened", "Why it is suspicious"…). */
export function ReportSection({
  title,
  children,
}: {
  title: string;
  children: ReactNode;
}) {
  return (
    <Box component="section" mt={3} aria-label={title}>
      <Typography variant="h6" component="h3" gutterBottom>
        {title}
      </Typography>
      <Divider />
      <Box mt={1}>{children}</Box>
    </Box>
  );
}

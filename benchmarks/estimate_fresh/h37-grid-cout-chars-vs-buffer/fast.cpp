#include <bits/stdc++.h>
using namespace std;

// Rotate a character grid 90 degrees clockwise and mark cells next to a '#' with '+'.
int main() {
    int h, w;
    cin >> h >> w;
    vector<string> g(h);
    for (auto& row : g) cin >> row;
    // rotated: w rows of h columns; rotated[i][j] = g[h-1-j][i]; all output in one buffer
    string out;
    out.reserve((size_t)w * (h + 1));
    for (int i = 0; i < w; i++) {
        for (int j = 0; j < h; j++) {
            int r = h - 1 - j, c = i;
            char ch = g[r][c];
            if (ch == '.') {
                bool near = (r > 0 && g[r - 1][c] == '#') || (r + 1 < h && g[r + 1][c] == '#') ||
                            (c > 0 && g[r][c - 1] == '#') || (c + 1 < w && g[r][c + 1] == '#');
                if (near) ch = '+';
            }
            out += ch;
        }
        out += '\n';
    }
    fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

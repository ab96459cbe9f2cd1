#include <iostream>
using namespace std;

const int LIMIT = 2000;

int main() {
    int h, w;
    cin >> h >> w;
    if (h > 0) {
        // paths on a grid, with a table far bigger than the input needs
        long long ways[LIMIT][64] = {};
        bool blocked[5000][8] = {{false}};
        blocked[1][1] = h > 3;
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) {
                if (blocked[i][j]) continue;
                if (i == 0 && j == 0) ways[i][j] = 1;
                else ways[i][j] = (i ? ways[i - 1][j] : 0) + (j ? ways[i][j - 1] : 0);
            }
        cout << ways[h - 1][w - 1] << endl;
    }
    return 0;
}

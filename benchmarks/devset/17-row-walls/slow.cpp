#include <bits/stdc++.h>
using namespace std;

int main() {
    int h, w;
    cin >> h >> w;
    int total = 0;
    for (int i = 0; i < h; i++) {
        int walls = 0;
        for (int j = 0; j < w; j++) {
            char c;
            cin >> c;
            if (c == '#') walls++;
        }
        total += walls;
        cout << walls << endl;
    }
    cout << total << endl;
}

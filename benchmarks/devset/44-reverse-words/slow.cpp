#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    string res;
    for (int i = 0; i < n; i++) {
        string w;
        cin >> w;
        if (i == 0) res = w;
        else res = w + " " + res;
    }
    cout << res << endl;
}

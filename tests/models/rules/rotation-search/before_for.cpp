#include <bits/stdc++.h>
using namespace std;

int main() {
    string s, t;
    cin >> s >> t;
    for (int k = 0; k < 100000; k++) {
        if (s == t) {
            cout << "Yes after " << k << endl;
            return 0;
        }
        rotate(s.begin(), s.begin() + 1, s.end());
    }
    cout << "No" << endl;
    return 0;
}

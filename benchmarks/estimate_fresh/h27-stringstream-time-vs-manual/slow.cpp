#include <bits/stdc++.h>
using namespace std;

// Log lines "HH:MM:SS HH:MM:SS name": total and longest session, sessions per name.
int main() {
    int n;
    string line;
    getline(cin, line);
    n = stoi(line);
    long long total = 0;
    int longest = -1;
    string who;
    map<string, int> perName;
    for (int i = 0; i < n; i++) {
        getline(cin, line);
        stringstream ss(line);
        int h1, m1, s1, h2, m2, s2;
        char c;
        string name;
        ss >> h1 >> c >> m1 >> c >> s1 >> h2 >> c >> m2 >> c >> s2 >> name;
        int d = (h2 * 3600 + m2 * 60 + s2) - (h1 * 3600 + m1 * 60 + s1);
        if (d < 0) d += 24 * 3600;
        total += d;
        if (d > longest) { longest = d; who = name; }
        perName[name]++;
    }
    printf("%lld %d %s %zu\n", total, longest, who.c_str(), perName.size());
    return 0;
}

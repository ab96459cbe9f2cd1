#include <iostream>
#include <string>
using namespace std;

int main() {
    string s = "ab";
    for (int i = 0; i < 3; i++) s = s + s;
    cout << s << "\n";
}
